"""Pure figure functions: data in, `go.Figure` out. No Dash, no files; shared by the web app
and the briefing export."""
