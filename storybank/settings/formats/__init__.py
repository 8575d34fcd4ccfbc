"""Date and number formats of the languages Django has no data for
(``FORMAT_MODULE_PATH``): a minority language reads the Vietnamese interface,
so it writes dates the Vietnamese way, never a Vietnamese month in an English
pattern."""
