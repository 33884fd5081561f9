"""The complaint REST API: thin views that validate input, call one service or selector, and serialise.

``urls`` lists the endpoints; ``complaints`` holds the collection and the detail, ``actions`` one view per
workflow service, ``evidence`` the file download, ``visibility`` what each reader sees of a complaint they may
see, and ``permitted`` the actions a reader may take now.
"""
