/**
 * The agent's own daemon threads, never the application's: the snapshot model built once per
 * interval ({@link dev.timewait.agent.internal.background.SnapshotBuilder}) and its file, the
 * CLOSE_WAIT scan, the host sampler with its matching and its look for resets after our FIN ({@link
 * dev.timewait.agent.internal.background.LateResets}), and the Findings runs. A slow or failing
 * step here is counted and retried; it never touches a hook.
 */
package dev.timewait.agent.internal.background;
