"""The AutoScheduler: an hourly tick queues one AutoSourcing run per scheduled UTC hour, under a daily token
budget, as its control row in PostgreSQL says; admins change that row (every change audited); the day's figures
come from the runs it started.

    from arbvault.scheduler.tick import run_tick, scheduled_time

    report = run_tick(at=scheduled_time(event))   # SUBMITTED once per (date, hour), however often it fires

Import each name from the module that defines it: this package's ``__init__`` imports none of them, so a
function loads only the modules its own routes use.
"""
