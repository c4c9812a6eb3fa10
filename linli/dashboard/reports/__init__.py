"""Reports people take to meetings (issue 17 item 3): the monthly street report, the weekly joint-meeting briefing
and the 12345 assessment export. ``data`` gathers the figures (one small function per figure), ``pdf`` and ``xlsx``
lay them out; docs/dashboard-reports.md describes each report and its definitions."""
