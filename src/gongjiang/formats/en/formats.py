# The same formats as Chinese: ISO-like dates read the same in either language.
from gongjiang.formats.zh_Hans.formats import *  # noqa: F403
