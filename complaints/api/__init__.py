"""The complaint REST API: thin views that validate input, call one service or selector, and serialise.

``urls`` lists the endpoints; ``complaints`` holds the collection and the detail, ``actions`` one view per
workflow service, ``evidence`` the file download, and ``permitted`` the actions a reader may take now. What
each reader sees of a complaint they may see is ``complaints.selectors``'s answer, shared with the pages.
"""
