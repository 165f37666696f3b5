"""ML projects. Each folder is self-contained; copy one to start new work (see docs/WORKFLOW_GUIDE.md)."""
