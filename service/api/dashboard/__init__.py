"""The dashboard: an overview of every project and one page per project with interactive plotly charts on the
data's own time axis. Rendered on the server from the same reads as the API; plotly's JS comes from the plotly
wheel (served at /dashboard/static/plotly.min.js), so no CDN and no front-end build."""
