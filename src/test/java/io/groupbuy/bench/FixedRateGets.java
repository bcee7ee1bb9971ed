package io.groupbuy.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * GET requests at a fixed rate over kept-alive HTTP/1.1 connections, on plain blocking sockets: a
 * lean load client for latency runs. Each request is written by a worker thread that then reads its
 * answer on the same thread, so an answer wakes one thread, where the JDK's client passes it from
 * its selector thread to an executor and through a chain of futures, each hop a chance to wait for
 * a core on a machine that the node under test shares. Latency runs from when a request was due, so
 * the client falling behind counts against it (no coordinated omission).
 */
final class FixedRateGets {
  /** Each request's latency from when it was due, in microseconds, and whether it got a 200. */
  record Outcome(long[] latencyMicros, boolean[] ok, String firstError) {}

  private final String host;
  private final int port;
  private final String authorization;
  private final ConcurrentLinkedQueue<Connection> idle = new ConcurrentLinkedQueue<>();

  FixedRateGets(String baseUrl, String authorization) {
    URI uri = URI.create(baseUrl);
    this.host = uri.getHost();
    this.port = uri.getPort();
    this.authorization = authorization;
  }

  /**
   * Sends {@code total} GETs of {@code pathOf.apply(i)}, the i-th due {@code i / perSecond} seconds
   * after the start; {@code onDue} hears each index as it is sent (to start meters).
   */
  Outcome run(int total, double perSecond, IntFunction<String> pathOf, IntConsumerAtDue onDue)
      throws InterruptedException {
    long[] latencies = new long[total];
    boolean[] ok = new boolean[total];
    AtomicReference<String> firstError = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(total);
    ExecutorService workers = Executors.newCachedThreadPool();
    try {
      long start = System.nanoTime();
      for (int i = 0; i < total; i++) {
        long due = start + (long) (i * 1e9 / perSecond);
        long wait = due - System.nanoTime();
        if (wait > 0) LockSupport.parkNanos(wait);
        onDue.accept(i);
        int index = i;
        byte[] request = request(pathOf.apply(i));
        workers.execute(
            () -> {
              try {
                int status = exchange(request);
                ok[index] = status == 200;
                if (status != 200) firstError.compareAndSet(null, "HTTP " + status);
              } catch (IOException e) {
                firstError.compareAndSet(null, e.toString());
              } finally {
                latencies[index] = (System.nanoTime() - due) / 1000;
                done.countDown();
              }
            });
      }
      if (!done.await(60, TimeUnit.SECONDS)) firstError.compareAndSet(null, "answers missing");
    } finally {
      workers.shutdownNow();
      Connection c;
      while ((c = idle.poll()) != null) c.close();
    }
    return new Outcome(latencies, ok, firstError.get());
  }

  /** Called with each request's index when it is handed over. */
  @FunctionalInterface
  interface IntConsumerAtDue {
    void accept(int index);
  }

  private byte[] request(String path) {
    return ("GET "
            + path
            + " HTTP/1.1\r\nHost: "
            + host
            + ":"
            + port
            + "\r\nAuthorization: "
            + authorization
            + "\r\nAccept: application/json\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** One request on an idle connection (or a new one); its status. */
  private int exchange(byte[] request) throws IOException {
    Connection c = idle.poll();
    if (c == null) c = new Connection(host, port);
    try {
      c.out.write(request);
      c.out.flush();
      int status = c.readResponse();
      idle.add(c);
      return status;
    } catch (IOException e) {
      c.close();
      throw e;
    }
  }

  private static final class Connection {
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    Connection(String host, int port) throws IOException {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(host, port), 5_000);
      socket.setSoTimeout(30_000);
      in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
      out = socket.getOutputStream();
    }

    /** Reads one response with a Content-Length body; its status. */
    int readResponse() throws IOException {
      String statusLine = line();
      if (!statusLine.startsWith("HTTP/1.1 ")) throw new IOException("bad status: " + statusLine);
      int status = Integer.parseInt(statusLine.substring(9, 12));
      long length = -1;
      for (String header = line(); !header.isEmpty(); header = line()) {
        int colon = header.indexOf(':');
        if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
          length = Long.parseLong(header.substring(colon + 1).trim());
        }
      }
      if (length < 0) throw new IOException("an answer without Content-Length");
      for (long left = length; left > 0; ) {
        long skipped = in.skip(left);
        if (skipped <= 0) {
          if (in.read() < 0) throw new IOException("connection closed mid-body");
          skipped = 1;
        }
        left -= skipped;
      }
      return status;
    }

    private String line() throws IOException {
      StringBuilder b = new StringBuilder(64);
      for (int ch = in.read(); ch != '\n'; ch = in.read()) {
        if (ch < 0) throw new IOException("connection closed");
        if (ch != '\r') b.append((char) ch);
      }
      return b.toString();
    }

    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
