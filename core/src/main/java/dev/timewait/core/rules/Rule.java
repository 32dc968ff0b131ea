package dev.timewait.core.rules;

import java.util.Optional;

/** One check over the collected data. Rules do no I/O and hold no state. */
public interface Rule {

  /** The id of the findings this rule produces. */
  String id();

  /** The finding, or empty when the rule does not apply. */
  Optional<Finding> evaluate(AnalysisInput input);
}
