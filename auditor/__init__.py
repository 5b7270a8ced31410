"""jixiao-auditor: audits 部门预算绩效文本 / 项目绩效目标表 submissions."""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("jixiao-auditor")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+src"
