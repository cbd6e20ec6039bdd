"""Problem reports (工单): filing, 1341 deadlines, routing, life cycle, ownership and rating."""
