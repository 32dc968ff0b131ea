package com.example.stacks.jdbc;

import com.example.stacks.CaseArgs;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * PostgreSQL JDBC with a connection per query, the usual misuse without a pool. {@code
 * Connection.close()} sends Terminate and closes the socket; the server exits on Terminate and
 * closes too, so either side's FIN may leave first.
 */
public final class PgClient {
  private PgClient() {}

  public static void main(String[] args) {
    CaseArgs options = CaseArgs.parse(args);
    String url =
        "jdbc:postgresql://127.0.0.1:"
            + options.port()
            + "/postgres?user="
            + options.get("user", "postgres")
            + "&sslmode=disable";
    System.exit(CaseArgs.runCalls("pgjdbc", options.calls(), i -> query(url)));
  }

  static void query(String url) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SELECT 1")) {
      if (!result.next() || result.getInt(1) != 1) {
        throw new SQLException("unexpected result");
      }
    }
  }
}
