package dev.timewait.agent.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Writes {@code dev.timewait.agent.e2e.gen.Sites}: methods {@code s0 .. s(methods-1)}, each {@code
 * static void sM(Socket socket, int i)} closing the socket at line {@code i + 1}, so that every
 * (method, i) is a close site of its own.
 */
final class SiteClassWriter {
  static final String NAME = "dev.timewait.agent.e2e.gen.Sites";

  private SiteClassWriter() {}

  /** Writes the class under {@code dir} (a class path root) and returns {@code dir}. */
  static Path write(Path dir, int methods, int sitesPerMethod) throws IOException {
    String internal = NAME.replace('.', '/');
    ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS);
    cw.visit(
        Opcodes.V11,
        Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL,
        internal,
        null,
        "java/lang/Object",
        null);
    cw.visitSource("Sites.java", null);
    for (int m = 0; m < methods; m++) {
      MethodVisitor mv =
          cw.visitMethod(
              Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC,
              "s" + m,
              "(Ljava/net/Socket;I)V",
              null,
              new String[] {"java/io/IOException"});
      mv.visitCode();
      Label[] cases = new Label[sitesPerMethod];
      for (int i = 0; i < sitesPerMethod; i++) {
        cases[i] = new Label();
      }
      Label outOfRange = new Label();
      mv.visitVarInsn(Opcodes.ILOAD, 1);
      mv.visitTableSwitchInsn(0, sitesPerMethod - 1, outOfRange, cases);
      for (int i = 0; i < sitesPerMethod; i++) {
        mv.visitLabel(cases[i]);
        mv.visitLineNumber(i + 1, cases[i]);
        mv.visitVarInsn(Opcodes.ALOAD, 0);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/net/Socket", "close", "()V", false);
        mv.visitInsn(Opcodes.RETURN);
      }
      mv.visitLabel(outOfRange);
      mv.visitInsn(Opcodes.RETURN);
      mv.visitMaxs(0, 0);
      mv.visitEnd();
    }
    cw.visitEnd();
    Path file = dir.resolve(internal + ".class");
    Files.createDirectories(file.getParent());
    Files.write(file, cw.toByteArray());
    return dir;
  }
}
