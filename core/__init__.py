"""Model-free helpers every app shares: pagination, stale-edit protection, the history guard,
local time, PDF responses and view errors. Imports nothing from the apps above it."""
