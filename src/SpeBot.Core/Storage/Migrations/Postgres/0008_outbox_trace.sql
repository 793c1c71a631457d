-- Issue 17 (operations): the trace an outbox row was queued in, as a W3C traceparent, so its send span joins the
-- request's trace. NULL when tracing is off (nothing is stored then).
ALTER TABLE outbox ADD COLUMN trace_parent TEXT;
