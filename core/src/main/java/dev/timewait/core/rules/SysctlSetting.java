package dev.timewait.core.rules;

/**
 * One kernel setting a finding recommends, as a sysctl.d line writes it.
 *
 * @param key the sysctl name, e.g. {@code net.ipv4.tcp_tw_reuse}
 * @param value the value, e.g. {@code 1} or {@code 15000 65000}
 */
public record SysctlSetting(String key, String value) {}
