"""A local AppConfig server: the AppConfigData and Agent APIs over a directory of files.

See docs/devserver.md. Standard library only; it never imports boto3.
"""

from ._faults import Fault
from ._server import DevServer, RequestRecord

__all__ = ["DevServer", "Fault", "RequestRecord"]
