package dev.timewait.agent.internal.instrumentation;

import dev.timewait.agent.internal.AgentErrors;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.pool.TypePool;

/**
 * Weaves the advice into the few JDK classes the agent instruments, and into nothing else. A plain
 * {@link ClassFileTransformer} keyed by class name: it looks at one string per loaded class, and
 * Byte Buddy is only put to work for the instrumented classes, which keeps start-up short. The
 * advice adds no members, so classes already loaded can be retransformed, and restored on detach.
 */
public final class AdviceTransformer implements ClassFileTransformer {
  private final Map<String, JdkInstrumentation> byInternalName = new HashMap<>();
  private final AgentErrors errors;
  private volatile ByteBuddy byteBuddy;

  public AdviceTransformer(List<JdkInstrumentation> instrumentations, AgentErrors errors) {
    for (JdkInstrumentation i : instrumentations) {
      byInternalName.put(i.typeName().replace('.', '/'), i);
    }
    this.errors = errors;
  }

  /** Registers the transformer and retransforms the instrumented classes already loaded. */
  public void install(Instrumentation inst) {
    inst.addTransformer(this, true);
    retransformLoaded(inst);
  }

  /** Removes the transformer and restores the instrumented classes. */
  public void uninstall(Instrumentation inst) {
    inst.removeTransformer(this);
    retransformLoaded(inst);
  }

  private void retransformLoaded(Instrumentation inst) {
    List<Class<?>> loaded = new ArrayList<>();
    for (Class<?> type : inst.getAllLoadedClasses()) {
      if (byInternalName.containsKey(type.getName().replace('.', '/'))) {
        loaded.add(type);
      }
    }
    for (Class<?> type : loaded) {
      try {
        inst.retransformClasses(type);
      } catch (UnmodifiableClassException | RuntimeException | LinkageError e) {
        errors.record("retransforming " + type.getName(), e);
      }
    }
  }

  /** Made when the first instrumented class loads: Byte Buddy costs nothing before. */
  private ByteBuddy byteBuddy() {
    ByteBuddy b = byteBuddy;
    if (b == null) {
      b =
          new ByteBuddy()
              .with(TypeValidation.DISABLED)
              .with(Implementation.Context.Disabled.Factory.INSTANCE)
              .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE);
      byteBuddy = b;
    }
    return b;
  }

  @Override
  public byte[] transform(
      Module module,
      ClassLoader loader,
      String className,
      Class<?> classBeingRedefined,
      ProtectionDomain domain,
      byte[] classfile) {
    JdkInstrumentation instrumentation = className == null ? null : byInternalName.get(className);
    if (instrumentation == null) {
      return null;
    }
    try {
      String name = className.replace('/', '.');
      ClassFileLocator locator =
          new ClassFileLocator.Compound(
              ClassFileLocator.Simple.of(name, classfile),
              loader == null
                  ? ClassFileLocator.ForClassLoader.ofBootLoader()
                  : ClassFileLocator.ForClassLoader.of(loader));
      TypeDescription type =
          TypePool.Default.WithLazyResolution.of(locator).describe(name).resolve();
      return byteBuddy().redefine(type, locator).visit(instrumentation.advice()).make().getBytes();
    } catch (Throwable t) {
      errors.record("instrumenting " + className, t);
      return null;
    }
  }
}
