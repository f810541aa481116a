"""progresshub: report long-running jobs to a progress-hub, and watch them.

    from progresshub import Client
    with Client().job("nightly-crawl", name="Nightly crawl", total=150) as job:
        for item in job.track(items):
            ...

See clients/python/README.md for the seed shapes (:class:`EventLogger`,
:func:`crawler_report`) and the ``progress-hub`` command.
"""

from .client import Client, Session
from .errors import Cancelled, HubError, HubUnavailable
from .job import Job, Stage, Tracker
from .seeds import EventLogger, crawler_report, use

__all__ = ["Client", "Job", "Stage", "Tracker", "Session", "Cancelled", "HubError", "HubUnavailable",
           "EventLogger", "crawler_report", "use"]
__version__ = "0.1.0"
