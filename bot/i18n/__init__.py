"""The bot's languages: gettext catalogues (``bot/locales``) read with Babel.

English is the source language (the msgids); ``id`` and ``ko`` have catalogues. A
:class:`Language` is made per request (a fan's answer) or per post (a server's), and handed
to the ``bot/ui`` render functions as a parameter; nothing here is global.
"""

from bot.i18n.language import ENGLISH_CODE, Catalogues, Language

__all__ = ["ENGLISH_CODE", "Catalogues", "Language"]
