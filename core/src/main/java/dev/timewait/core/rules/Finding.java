package dev.timewait.core.rules;

import java.util.List;

/**
 * One conclusion about a host or a fleet of JVMs.
 *
 * @param id stable identifier, e.g. {@code TW_RECYCLE_NAT}
 * @param severity how urgent it is
 * @param title one line saying what is wrong (or right)
 * @param evidence the numbers behind it, each naming the file or counter it came from
 * @param recommendation what to do: the exact sysctl line or the code change and where
 * @param references documents that explain the mechanism
 * @param sysctls the kernel settings the recommendation asks for, in its order; empty when it asks
 *     for none
 */
public record Finding(
    String id,
    Severity severity,
    String title,
    List<String> evidence,
    String recommendation,
    List<String> references,
    List<SysctlSetting> sysctls) {

  public Finding {
    evidence = List.copyOf(evidence);
    references = List.copyOf(references);
    sysctls = sysctls == null ? List.of() : List.copyOf(sysctls);
  }

  /** A finding that recommends no kernel setting. */
  public Finding(
      String id,
      Severity severity,
      String title,
      List<String> evidence,
      String recommendation,
      List<String> references) {
    this(id, severity, title, evidence, recommendation, references, List.of());
  }
}
