package dev.timewait.agent.internal.instrumentation;

import dev.timewait.agent.bootstrap.CloseBridge;
import dev.timewait.agent.internal.AgentErrors;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.pool.TypePool;

/**
 * Weaves the advice into the few JDK classes and library classes the agent instruments, and into
 * nothing else. A plain {@link ClassFileTransformer} keyed by class name: it looks at one string
 * per loaded class (a map lookup for the JDK's, a few {@code endsWith} for the libraries', which
 * are matched by the end of their name in any class loader, relocated copies included), and Byte
 * Buddy is only put to work for the instrumented classes, which keeps start-up short. The advice
 * adds no members, so classes already loaded can be retransformed, and restored on detach.
 */
public final class AdviceTransformer implements ClassFileTransformer {
  private final Map<String, JdkInstrumentation> byInternalName = new HashMap<>();
  private final String[] suffixes;
  private final LibraryInstrumentation[] bySuffix;
  private final AgentErrors errors;
  private final Instrumentation inst;
  private volatile ByteBuddy byteBuddy;

  public AdviceTransformer(
      List<JdkInstrumentation> jdk,
      List<LibraryInstrumentation> libraries,
      AgentErrors errors,
      Instrumentation inst) {
    for (JdkInstrumentation i : jdk) {
      byInternalName.put(i.typeName().replace('.', '/'), i);
    }
    suffixes = new String[libraries.size()];
    bySuffix = libraries.toArray(new LibraryInstrumentation[0]);
    for (int i = 0; i < suffixes.length; i++) {
      suffixes[i] = bySuffix[i].typeSuffix().replace('.', '/');
    }
    this.errors = errors;
    this.inst = inst;
  }

  /** Registers the transformer and retransforms the instrumented classes already loaded. */
  public void install() {
    inst.addTransformer(this, true);
    retransformLoaded();
  }

  /** Removes the transformer and restores the instrumented classes. */
  public void uninstall() {
    inst.removeTransformer(this);
    retransformLoaded();
  }

  private void retransformLoaded() {
    List<Class<?>> loaded = new ArrayList<>();
    for (Class<?> type : inst.getAllLoadedClasses()) {
      String name = type.getName().replace('.', '/');
      if (byInternalName.containsKey(name) || library(name) != null) {
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

  /** The library instrumentation whose name suffix ends {@code internalName}, or null. */
  private LibraryInstrumentation library(String internalName) {
    for (int i = 0; i < suffixes.length; i++) {
      String suffix = suffixes[i];
      if (internalName.endsWith(suffix)
          && (suffix.charAt(0) == '/'
              || internalName.length() == suffix.length()
              || internalName.charAt(internalName.length() - suffix.length() - 1) == '/')) {
        return bySuffix[i];
      }
    }
    return null;
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
    if (className == null) {
      return null;
    }
    JdkInstrumentation jdk = byInternalName.get(className);
    LibraryInstrumentation library = jdk == null ? library(className) : null;
    if (jdk == null && library == null) {
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
      AsmVisitorWrapper advice;
      if (jdk != null) {
        advice = jdk.advice();
      } else {
        if (!library.matches(type)) {
          return null; // a class of another library that happens to have the same name
        }
        readBridge(module);
        advice = library.advice();
      }
      return byteBuddy().redefine(type, locator).visit(advice).make().getBytes();
    } catch (Throwable t) {
      errors.record("instrumenting " + className, t);
      return null;
    }
  }

  /** A library in a named module (on the module path) must read the bridge's module. */
  private void readBridge(Module module) {
    Module bridge = CloseBridge.class.getModule();
    if (module != null && module.isNamed() && !module.canRead(bridge)) {
      inst.redefineModule(module, Set.of(bridge), Map.of(), Map.of(), Set.of(), Map.of());
    }
  }
}
