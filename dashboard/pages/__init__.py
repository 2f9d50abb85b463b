"""One module per page: a `layout(...)` function and the page's callbacks."""
