"""Bookings (预约): slots from the sites' hours, capacity, booking numbers, reminders."""
