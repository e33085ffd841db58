package dev.soldout.devstack;

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;

/**
 * Entry point of the broker child JVM: {@code ChildMain <parentPid> <mainClass> <args...>}.
 * It exits as soon as the parent JVM is gone, even when the parent was SIGKILLed and could not
 * stop it, so no orphaned broker keeps its ports and CPU. {@code System.exit} runs Kafka's own
 * shutdown hook, so that stop is still a clean one.
 */
final class ChildMain {

  private ChildMain() {}

  public static void main(String[] args) throws Throwable {
    ProcessHandle.of(Long.parseLong(args[0])).ifPresentOrElse(
        parent -> parent.onExit().thenRun(() -> System.exit(1)),
        () -> System.exit(1));
    try {
      Class.forName(args[1])
          .getMethod("main", String[].class)
          .invoke(null, (Object) Arrays.copyOfRange(args, 2, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
