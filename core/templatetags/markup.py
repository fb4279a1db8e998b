"""`{% oneline %}`: a long line of markup written over several lines, rendered exactly as one.

Inside the block, a line break in the template's own text and the indentation after it are
dropped when the template is compiled, never from a value (a report's line breaks stay). So a
break may go anywhere outside a tag, after a space or between two tags, without changing a
byte of the page. A builtin (config/settings.py TEMPLATES), so templates need no `{% load %}`.
"""

import re
from typing import Any

from django import template
from django.template.base import Node, NodeList, Parser, TextNode, Token
from django.utils.safestring import SafeString

register = template.Library()

BREAK = re.compile(r"\n[ \t]*")


class OneLineNode(Node):
    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: Any) -> SafeString:
        return self.nodelist.render(context)


@register.tag
def oneline(parser: Parser, token: Token) -> OneLineNode:
    nodelist = parser.parse(("endoneline",))
    parser.delete_first_token()
    for node in nodelist.get_nodes_by_type(TextNode):
        assert isinstance(node, TextNode)
        node.s = BREAK.sub("", node.s)
    return OneLineNode(nodelist)
