"""Ports of upstream grammars, each citing the code it follows: robfig cron, govaluate `when`,
expr run control, Argo's template text, Go durations, Kubernetes names. Import nothing of ours
but `errors`."""
