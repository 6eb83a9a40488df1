from __future__ import annotations

from appconfig_core._runtime.backoff import Backoff


class TestBackoff:
    def test_grows_exponentially_until_the_cap(self) -> None:
        """With the jitter at its top, delays double from the base and stop at 60 s."""
        backoff = Backoff(base=1.0, rand=lambda: 1.0)
        delays = [backoff.next_delay(poll_interval=30) for _ in range(8)]
        assert [1, 2, 4, 8, 16, 32, 60, 60] == delays

    def test_cap_is_the_poll_interval_when_larger_than_a_minute(self) -> None:
        """A slow poller never retries faster after errors than it polls when healthy."""
        backoff = Backoff(base=1.0, rand=lambda: 1.0)
        delays = [backoff.next_delay(poll_interval=300) for _ in range(12)]
        assert 300 == max(delays)
        assert 300 == delays[-1]

    def test_full_jitter_scales_the_ceiling(self) -> None:
        """The delay is the random fraction times the current ceiling."""
        backoff = Backoff(base=2.0, rand=lambda: 0.25)
        assert [0.5, 1.0, 2.0] == [backoff.next_delay(10) for _ in range(3)]

    def test_reset_starts_over(self) -> None:
        """After a success the next failure waits the base again."""
        backoff = Backoff(base=1.0, rand=lambda: 1.0)
        for _ in range(5):
            backoff.next_delay(10)
        backoff.reset()
        assert 0 == backoff.failures
        assert 1 == backoff.next_delay(10)
