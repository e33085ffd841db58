package dev.soldout.app;

import dev.soldout.api.security.FanTokens;
import java.io.PrintStream;
import java.util.Optional;

/**
 * {@code ./soldout dev-tokens [--count N] [--prefix fan-]}: one "userId token" line per fan,
 * signed with the dev stack's secret, for load tools that cannot sign tokens themselves.
 */
final class DevTokensCommand {
  static final String USAGE = """
      usage: ./soldout dev-tokens [--count 1000] [--prefix fan-]
        prints "userId token" lines for fans <prefix>1..<prefix>N, signed with the dev stack's
        secret (DATA_DIR/dev-auth-secret) or AUTH_JWT_SECRET. Exit codes: 0 done, 2 bad usage
        or no secret to sign with.""";

  private DevTokensCommand() {}

  static int run(Settings settings, String[] args, PrintStream out) {
    int count = 1000;
    String prefix = "fan-";
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--help") || args[i].equals("-h")) {
        out.println(USAGE);
        return 0;
      } else if (args[i].equals("--count") && i + 1 < args.length) {
        count = Integer.parseInt(args[++i]);
      } else if (args[i].equals("--prefix") && i + 1 < args.length) {
        prefix = args[++i];
      } else {
        out.println(USAGE);
        return 2;
      }
    }
    Optional<FanTokens> tokens = DevAuth.minter(settings);
    if (tokens.isEmpty()) {
      out.println("no secret to sign with: start ./soldout dev first, or set AUTH_JWT_SECRET");
      return 2;
    }
    for (int n = 1; n <= count; n++) {
      out.println(prefix + n + " " + tokens.get().mint(prefix + n).token());
    }
    return 0;
  }
}
