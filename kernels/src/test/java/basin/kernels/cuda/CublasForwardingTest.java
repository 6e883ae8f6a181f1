package basin.kernels.cuda;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The forwarding libcublas.so.12 against a stand-in libcublas.so.13 built here with gcc: JCublas2
 * 12.6 loads through it and its calls reach the stand-in with every argument intact. Needs gcc
 * (and nm for the symbol-list check); skipped with a message where they are missing.
 */
class CublasForwardingTest {

    @Test
    void jcublas2CallsReachACuda13OnlyLibraryThroughTheForwardingLibrary(@TempDir Path tmp) throws Exception {
        assumeTrue(PtxSourceTest.onPath("gcc"), "gcc not installed: cannot build the forwarding library (skipped)");
        Path fake = tmp.resolve("cuda13");
        Files.createDirectories(fake);
        buildStandIn(fake);
        Path cache = tmp.resolve("cache");

        List<String> lines = probe(fake, cache);
        assertTrue(lines.get(0).startsWith("source=" + fake.resolve("libcublas.so.13") + " through Basin's forwarding libcublas.so.12 at "
                + cache), String.join("\n", lines));
        assertEquals(List.of("create=0", "version=0,130099", "sgemm=0", "sdot=15", "destroy=0"),
                lines.subList(1, lines.size()), "statuses as JCublas2 returned them (15 = CUBLAS_STATUS_NOT_SUPPORTED)");

        // A second run finds the library in the cache and builds nothing.
        try (var built = Files.list(cache)) {
            assertEquals(1, built.count(), "one library in the cache");
        }
        Path library;
        try (var built = Files.list(cache)) {
            library = built.findFirst().orElseThrow().resolve("libcublas.so.12");
        }
        long firstBuild = Files.getLastModifiedTime(library).toMillis();
        assertEquals(lines, probe(fake, cache));
        assertEquals(firstBuild, Files.getLastModifiedTime(library).toMillis(), "the cached library was reused");
    }

    @Test
    void withNoCublasAtAllTheReasonNamesBothLibrariesAndTheFolders(@TempDir Path empty) {
        CudaUnavailableException e = org.junit.jupiter.api.Assertions.assertThrows(CudaUnavailableException.class,
                () -> CublasLibrary.prepare(List.of(empty), false, empty.resolve("cache")));
        assertTrue(e.getMessage().startsWith("no cuBLAS: neither libcublas.so.12 nor libcublas.so.13"), e.getMessage());
        assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
    }

    @Test
    void theGeneratedVersionScriptExportsExactlyTheImportedNamesUnderLibcublas12() {
        List<String> names = CublasForwarding.symbols();
        String script = CublasForwarding.versionScript(names);
        assertTrue(script.startsWith("libcublas.so.12 {\n  global:\n"), script.substring(0, 40));
        assertEquals(names.size(), script.lines().filter(l -> l.startsWith("    ") && l.endsWith(";")).count());
        String tramp = CublasForwarding.trampolines(names);
        assertEquals(names.size(), tramp.lines().filter(l -> l.startsWith("    jmp *forward_slots+")).count());
        assertTrue(tramp.contains("    jmp *forward_slots+" + 8 * (names.size() - 1) + "(%rip)"), "slot offsets are 8 bytes apart");
    }

    /** The committed list is what JCublas2 12.6's native library imports at version libcublas.so.12. */
    @Test
    void committedSymbolListIsWhatJCublas2Imports(@TempDir Path tmp) throws Exception {
        assumeTrue(PtxSourceTest.onPath("nm"), "nm (binutils) not installed: cannot read JCublas2's imports (skipped)");
        Path lib = tmp.resolve("libJCublas2.so");
        try (InputStream in = CublasForwardingTest.class.getResourceAsStream("/lib/libJCublas2-12.6.0-linux-x86_64.so")) {
            assumeTrue(in != null, "the linux-x86_64 JCublas2 natives are not on the class path (another platform): skipped");
            Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
        }
        PtxSourceTest.Result nm = PtxSourceTest.run(List.of("nm", "-D", "--undefined-only", lib.toString()));
        assertEquals(0, nm.status(), nm.output());
        TreeSet<String> imported = new TreeSet<>();
        for (String line : nm.output().split("\n")) {
            String symbol = line.trim().replaceAll(".*\\s", "");
            if (symbol.endsWith("@libcublas.so.12")) imported.add(symbol.substring(0, symbol.length() - "@libcublas.so.12".length()));
        }
        assertEquals(494, imported.size(), "JCublas2 12.6 imports 494 cuBLAS functions");
        assertEquals(new ArrayList<>(imported), CublasForwarding.symbols());
    }

    private static void buildStandIn(Path dir) throws Exception {
        for (String f : List.of("fake_cublas13.c", "fake_cublas13.map")) {
            try (InputStream in = CublasForwardingTest.class.getResourceAsStream("/basin/kernels/cuda/" + f)) {
                Files.copy(in, dir.resolve(f));
            }
        }
        PtxSourceTest.Result gcc = PtxSourceTest.run(List.of("gcc", "-shared", "-fPIC", "-O2", "-Wl,-soname,libcublas.so.13",
                "-Wl,--version-script=" + dir.resolve("fake_cublas13.map"), "-o", dir.resolve("libcublas.so.13").toString(),
                dir.resolve("fake_cublas13.c").toString()));
        assertEquals(0, gcc.status(), "building the stand-in libcublas.so.13:\n" + gcc.output());
    }

    private static List<String> probe(Path folder, Path cache) throws IOException, InterruptedException {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        PtxSourceTest.Result r = PtxSourceTest.run(List.of(java, "-cp", System.getProperty("java.class.path"),
                ForwardingProbe.class.getName(), folder.toString(), cache.toString()));
        assertEquals(0, r.status(), "the probe JVM failed:\n" + r.output());
        List<String> lines = new ArrayList<>();
        for (String line : r.output().split("\n")) if (line.matches("[a-z]+=.*")) lines.add(line);
        return lines;
    }
}
