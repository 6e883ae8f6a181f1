package basin.kernels.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Builds the forwarding {@code libcublas.so.12} that lets JCublas2 12.6 run on a machine that has
 * only cuBLAS 13 ({@code shim/cublas_forward.c} says how it works). The build needs gcc and nothing
 * from CUDA; it runs once per machine and target library, into a cache folder, and later runs load
 * the cached library.
 *
 * <p>Generated beside the C file: {@code cublas_forward_names.h} (the names JCublas2 imports,
 * {@code shim/cublas12-symbols.txt}), {@code cublas_forward.map} (a version script with the single
 * node {@code libcublas.so.12}) and {@code cublas_forward_tramp.S} (one x86-64 trampoline and one
 * missing-name stub per name).
 */
final class CublasForwarding {
    static final String LIBRARY = "libcublas.so.12";
    private static final String RESOURCES = "/basin/kernels/cuda/shim/";
    /** Functions returning {@code const char*}: their missing-name stub must return a string, not a status. */
    private static final List<String> STRING_RETURNING = List.of("cublasGetStatusName", "cublasGetStatusString");

    private CublasForwarding() {
    }

    /** The cuBLAS names JCublas2 12.6 imports (from {@code nm -D} of its native library). */
    static List<String> symbols() {
        List<String> names = new ArrayList<>();
        for (String line : resource("cublas12-symbols.txt").split("\n")) {
            if (!line.isBlank()) names.add(line.trim());
        }
        return names;
    }

    /**
     * The forwarding library for {@code target} (an absolute path to libcublas.so.13) under
     * {@code cacheRoot}, built with gcc unless a previous run built it already.
     */
    static Path build(Path target, Path cacheRoot) {
        if (!System.getProperty("os.arch").matches("amd64|x86_64")) {
            throw new CudaUnavailableException("cuBLAS: only " + target + " (cuBLAS 13) is here, and Basin's forwarding "
                    + "libcublas.so.12 is written for x86-64, not " + System.getProperty("os.arch"), null);
        }
        String source = resource("cublas_forward.c");
        List<String> names = symbols();
        Path dir = cacheRoot.resolve(key(source, names, target));
        Path library = dir.resolve(LIBRARY);
        if (Files.isRegularFile(library)) return library;
        try {
            Files.createDirectories(cacheRoot);
            Path work = Files.createTempDirectory(cacheRoot, "build-");
            try {
                Files.writeString(work.resolve("cublas_forward.c"), source);
                Files.writeString(work.resolve("cublas_forward_names.h"), namesHeader(names));
                Files.writeString(work.resolve("cublas_forward.map"), versionScript(names));
                Files.writeString(work.resolve("cublas_forward_tramp.S"), trampolines(names));
                gcc(work, target);
                try {
                    Files.move(work, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                    // Another process built the same library first; use its copy.
                    if (!Files.isRegularFile(library)) throw e;
                } catch (IOException e) {
                    if (!Files.isRegularFile(library)) throw e;
                }
            } finally {
                deleteTree(work);
            }
            return library;
        } catch (IOException e) {
            throw new UncheckedIOException("cuBLAS: building the forwarding libcublas.so.12 in " + cacheRoot + ": " + e.getMessage(), e);
        }
    }

    private static void gcc(Path work, Path target) throws IOException {
        List<String> command = List.of("gcc", "-shared", "-fPIC", "-O2", "-Wall",
                "-DCUBLAS_FORWARD_TARGET=\"" + target.toAbsolutePath() + "\"",
                "-Wl,-soname," + LIBRARY, "-Wl,--version-script=cublas_forward.map", "-Wl,-z,noexecstack",
                "-o", LIBRARY, "cublas_forward.c", "cublas_forward_tramp.S", "-ldl");
        Process p;
        try {
            p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new CudaUnavailableException("cuBLAS: this machine has only " + target + " (cuBLAS 13), and JCublas2 12.6 "
                    + "needs libcublas.so.12. Basin builds a forwarding library for that with gcc, which could not be run ("
                    + e.getMessage() + "). Install gcc, or point -Dbasin.cublas.library at a libcublas.so.12.", e);
        }
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CudaUnavailableException("cuBLAS: gcc did not finish building the forwarding library in 120 s", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CudaUnavailableException("cuBLAS: interrupted while building the forwarding library", e);
        }
        if (p.exitValue() != 0) {
            throw new CudaUnavailableException("cuBLAS: gcc failed to build the forwarding libcublas.so.12 ("
                    + String.join(" ", command) + "):\n" + output.trim(), null);
        }
    }

    static String namesHeader(List<String> names) {
        StringBuilder s = new StringBuilder("/* generated by basin.kernels.cuda.CublasForwarding */\n");
        s.append("#define FORWARD_COUNT ").append(names.size()).append('\n');
        s.append("static const char *const forward_names[FORWARD_COUNT] = {\n");
        for (String n : names) s.append("    \"").append(n).append("\",\n");
        return s.append("};\n").toString();
    }

    static String versionScript(List<String> names) {
        StringBuilder s = new StringBuilder(LIBRARY).append(" {\n  global:\n");
        for (String n : names) s.append("    ").append(n).append(";\n");
        return s.append("  local: *;\n};\n").toString();
    }

    /** x86-64 GNU assembly: each name jumps through its slot; each stub passes its index to the C fallback. */
    static String trampolines(List<String> names) {
        StringBuilder s = new StringBuilder("/* generated by basin.kernels.cuda.CublasForwarding */\n    .text\n");
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            s.append("    .globl ").append(n).append("\n    .type ").append(n).append(", @function\n    .p2align 4\n")
                    .append(n).append(":\n    jmp *forward_slots+").append(8L * i).append("(%rip)\n")
                    .append("    .size ").append(n).append(", .-").append(n).append('\n')
                    .append("    .p2align 4\n.Lmissing_").append(i).append(":\n    movl $").append(i).append(", %edi\n")
                    .append("    jmp ").append(STRING_RETURNING.contains(n) ? "forward_missing_string" : "forward_missing_status")
                    .append('\n');
        }
        s.append("    .section .data.rel.ro,\"aw\"\n    .p2align 3\n    .globl forward_missing\n    .hidden forward_missing\n")
                .append("forward_missing:\n");
        for (int i = 0; i < names.size(); i++) s.append("    .quad .Lmissing_").append(i).append('\n');
        return s.append("    .section .note.GNU-stack,\"\",@progbits\n").toString();
    }

    /** A folder name that changes whenever the source, the names or the target does. */
    private static String key(String source, List<String> names, Path target) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(source.getBytes(StandardCharsets.UTF_8));
            sha.update(String.join("\n", names).getBytes(StandardCharsets.UTF_8));
            sha.update(target.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String resource(String file) {
        try (InputStream in = CublasForwarding.class.getResourceAsStream(RESOURCES + file)) {
            if (in == null) throw new IllegalStateException("cuBLAS: resource " + RESOURCES + file + " is missing from the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(p);
        }
    }
}
