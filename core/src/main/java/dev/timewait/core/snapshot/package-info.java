/**
 * The agent's snapshot file ({@code timewait.snapshot/1}) as records, and its reader. Fields
 * missing from the file are null (objects) or zero (counts); fields this version does not know are
 * ignored.
 */
package dev.timewait.core.snapshot;
