"""Reports for managers, trainers and administrators (Wagtail admin, "Berichte").

* ``access``: who may see which teams' reports;
* ``selectors``: the completion matrix, the overdue list and the trends, read with a fixed
  number of queries from the rules in ``training/completion.py``;
* ``scores``: the one seam for named and aggregated quiz scores, with the audit log;
* ``content``: the trainer's view per course and module (aggregates only);
* ``views`` / ``charts``: the admin pages and their server-made SVG charts.
"""
