from bot.channels.rate_limit import RateLimiter, Verdict


def test_a_burst_is_refused_once_then_ignored_and_the_window_slides() -> None:
    now = [0.0]
    limiter = RateLimiter(limit=2, window_s=10, clock=lambda: now[0])
    assert [limiter.check("a") for _ in range(4)] == [
        Verdict.ALLOW,
        Verdict.ALLOW,
        Verdict.REFUSE,
        Verdict.IGNORE,
    ]
    assert limiter.check("b") is Verdict.ALLOW  # others are not affected
    now[0] = 10.5
    assert limiter.check("a") is Verdict.ALLOW
