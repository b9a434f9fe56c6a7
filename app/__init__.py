"""Zhilian Desk (驻点直联工作台): the domain — models, services, exports, command line.

Nothing under ``app`` imports Qt; the window in ``ui`` is a thin layer over it.
"""

APP_NAME = "驻点直联工作台"
APP_ID = "ZhilianDesk"
__version__ = "0.1.0"
