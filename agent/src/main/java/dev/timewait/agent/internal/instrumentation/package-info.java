/**
 * Weaving: a name-keyed class file transformer and one class per instrumented JDK type, whose
 * inlined advice only hands the socket to {@code CloseBridge} in the boot loader. Runs when the
 * classes load (or at attach, for classes already loaded), never per socket call.
 */
package dev.timewait.agent.internal.instrumentation;
