package dev.sockeye.tests;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A self-signed broker key pair for 127.0.0.1 and a truststore holding its certificate, made with the JDK's keytool. */
final class TlsStores {
  private TlsStores() {}

  static void create(Path dir, Path keystore, Path truststore, String password) throws Exception {
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Path cert = dir.resolve("broker.crt");
    run(List.of(keytool, "-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=localhost", "-ext", "SAN=IP:127.0.0.1,DNS:localhost",
        "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", password, "-keypass", password));
    run(List.of(keytool, "-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(), "-storepass", password,
        "-file", cert.toString()));
    run(List.of(keytool, "-importcert", "-noprompt", "-alias", "broker", "-file", cert.toString(),
        "-keystore", truststore.toString(), "-storetype", "PKCS12", "-storepass", password));
  }

  private static void run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("keytool failed: " + String.join(" ", command.subList(0, 2)) + ": " + out);
    }
  }
}
