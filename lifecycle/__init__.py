"""The loop every project gets: the contract a project declares (lifecycle.contract), its discovery, the stages
the platform runs around the project's hooks (lifecycle.stages), and their command line (lifecycle.cli)."""
