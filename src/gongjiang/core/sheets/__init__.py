"""Reading spreadsheets, for any app that takes a file from staff (rosters, bank return files):
``reader`` opens the file safely and yields its sheets and rows, ``cells`` reads a cell's text,
date or header name. What a column means is the reading app's business."""
