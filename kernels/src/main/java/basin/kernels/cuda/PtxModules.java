package basin.kernels.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The committed PTX modules ({@code kernels/src/main/cuda/*.cu}, compiled by {@code build-ptx.sh})
 * and the parameter list of every kernel in them, read from the PTX itself. Launches are checked
 * against these lists, so a Java wrapper that passes an {@code int} where the kernel takes a
 * {@code long long} fails with a message instead of reading garbage on the device.
 */
final class PtxModules {
    /** The modules, by file name under {@link #RESOURCE_DIR}. */
    static final List<String> MODULES = List.of("elementwise", "reduce", "conv", "batchnorm", "dropout");
    static final String RESOURCE_DIR = "/basin/kernels/cuda/ptx/";

    /** A kernel parameter as PTX declares it: its type ({@code u64}, {@code u32}, {@code s32}, {@code f32}, …). */
    record Param(String type) {
        int bytes() {
            return Integer.parseInt(type.substring(1)) / 8;
        }
    }

    /** A kernel's module and parameter list. */
    record Kernel(String module, String name, List<Param> params) {
    }

    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)", Pattern.DOTALL);
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+\\.(\\w+)\\s+\\w+");

    private final Map<String, String> sources = new LinkedHashMap<>();
    private final Map<String, Kernel> kernels = new LinkedHashMap<>();

    /** Reads every module from the class path. */
    static PtxModules load() {
        PtxModules m = new PtxModules();
        for (String module : MODULES) m.add(module, resource(module + ".ptx"));
        return m;
    }

    void add(String module, String ptx) {
        sources.put(module, ptx);
        Matcher e = ENTRY.matcher(ptx);
        while (e.find()) {
            List<Param> params = new ArrayList<>();
            Matcher p = PARAM.matcher(e.group(2));
            while (p.find()) params.add(new Param(p.group(1)));
            kernels.put(e.group(1), new Kernel(module, e.group(1), Collections.unmodifiableList(params)));
        }
    }

    /** The PTX text of a module. */
    String source(String module) {
        return sources.get(module);
    }

    Map<String, Kernel> kernels() {
        return Collections.unmodifiableMap(kernels);
    }

    Kernel kernel(String name) {
        Kernel k = kernels.get(name);
        if (k == null) throw new CudaException("cuda: no kernel named " + name + " in the PTX modules " + MODULES);
        return k;
    }

    /**
     * Checks that {@code args} fit the kernel's parameters one by one: a device pointer or a
     * {@code Long} for 64-bit integers, an {@code Integer} for 32-bit ones, a {@code Float} for f32.
     */
    void checkArguments(String name, Object[] args) {
        Kernel k = kernel(name);
        if (args.length != k.params().size()) {
            throw new CudaException("cuda: kernel " + name + " takes " + k.params().size() + " parameters, "
                    + args.length + " given");
        }
        for (int i = 0; i < args.length; i++) {
            String type = k.params().get(i).type();
            Object a = args[i];
            boolean fits;
            switch (type) {
                case "u64": case "s64": case "b64":
                    fits = a instanceof Long || a instanceof jcuda.Pointer;
                    break;
                case "u32": case "s32": case "b32":
                    fits = a instanceof Integer;
                    break;
                case "f32":
                    fits = a instanceof Float;
                    break;
                case "f64":
                    fits = a instanceof Double;
                    break;
                default:
                    fits = false;
            }
            if (!fits) {
                throw new CudaException("cuda: kernel " + name + " parameter " + i + " is ." + type + ", given "
                        + (a == null ? "null" : a.getClass().getSimpleName()));
            }
        }
    }

    static String resource(String file) {
        try (InputStream in = PtxModules.class.getResourceAsStream(RESOURCE_DIR + file)) {
            if (in == null) throw new CudaException("cuda: PTX resource " + RESOURCE_DIR + file + " is missing from the class path");
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cuda: reading PTX resource " + file, e);
        }
    }
}
