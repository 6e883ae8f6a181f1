// Runs one kernel of kernels/src/main/cuda on the host (cuda_emulation.h):
//   kernel_emulator KERNEL BLOCKS THREADS ARG...
// ARG is p:FILE:BYTEOFFSET (device memory: the file's bytes, written back afterwards; arguments
// naming the same file share memory), i:INT, l:LONG (also for unsigned long long) or f:FLOAT_BITS_HEX.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

extern "C" { double scratch[1 << 16]; }

#include "elementwise.cu"
#include "reduce.cu"
#include "conv.cu"
#include "batchnorm.cu"
#include "dropout.cu"

static std::map<std::string, std::vector<char>> memory;
static std::vector<std::string> args;

template <typename T> T convert(const std::string& a) {
    if constexpr (std::is_pointer_v<T>) {
        size_t second = a.rfind(':');
        std::string file = a.substr(2, second - 2);
        return reinterpret_cast<T>(memory.at(file).data() + std::stoll(a.substr(second + 1)));
    } else if constexpr (std::is_same_v<T, float>) {
        uint32_t bits = (uint32_t)std::stoul(a.substr(2), nullptr, 16);
        float f;
        std::memcpy(&f, &bits, 4);
        return f;
    } else if constexpr (std::is_same_v<T, unsigned long long>) {
        return std::stoull(a.substr(2));
    } else {
        return (T)std::stoll(a.substr(2));
    }
}

template <typename... Ts, size_t... I>
void call(void (*kernel)(Ts...), std::index_sequence<I...>) { kernel(convert<Ts>(args[I])...); }

template <typename... Ts>
std::function<void()> bind(void (*kernel)(Ts...)) {
    return [kernel] {
        if (args.size() != sizeof...(Ts)) { std::fprintf(stderr, "wrong argument count\n"); std::exit(2); }
        call(kernel, std::index_sequence_for<Ts...>{});
    };
}

#define K(name) {#name, bind(name)}
static std::map<std::string, std::function<void()>> kernels = {
    K(add_f32), K(sub_f32), K(mul_f32), K(scale_f32), K(axpy_f32), K(relu_f32), K(positive_mask_f32), K(exp_f32),
    K(broadcast_add_f32), K(broadcast_mul_f32), K(expand_f32), K(sum_to_mid_f32), K(sum_to_mid_partial_f64), K(finish_sum_to_mid_f32), K(dot_partial_f64),
    K(sum_squares_partial_f64), K(finish_sum_f64), K(log_softmax_rows_f32), K(argmax_hits_f32), K(transpose_f32), K(rsqrt_f32),
    K(im2col_f32), K(col2im_f32), K(max_pool2d_f32), K(gather_planes_f32), K(scatter_add_planes_f32),
    K(batch_norm_stats_f32), K(batch_norm_normalize_f32), K(batch_norm_backward_sums_f32),
    K(batch_norm_backward_input_f32), K(dropout_mask_f32),
};

int main(int argc, char** argv) {
    if (argc < 4) { std::fprintf(stderr, "usage: kernel_emulator KERNEL BLOCKS THREADS ARG...\n"); return 2; }
    if (std::string(argv[1]) == "--list") {
        for (auto& k : kernels) std::printf("%s\n", k.first.c_str());
        return 0;
    }
    auto kernel = kernels.find(argv[1]);
    if (kernel == kernels.end()) { std::fprintf(stderr, "no kernel %s\n", argv[1]); return 2; }
    unsigned blocks = (unsigned)std::atoi(argv[2]), threads = (unsigned)std::atoi(argv[3]);
    for (int i = 4; i < argc; i++) {
        args.push_back(argv[i]);
        if (argv[i][0] == 'p') {
            std::string a = argv[i];
            std::string file = a.substr(2, a.rfind(':') - 2);
            if (!memory.count(file)) {
                FILE* f = std::fopen(file.c_str(), "rb");
                if (!f) { std::perror(file.c_str()); return 2; }
                std::fseek(f, 0, SEEK_END);
                long size = std::ftell(f);
                std::fseek(f, 0, SEEK_SET);
                std::vector<char> bytes(size);
                if (size > 0 && std::fread(bytes.data(), 1, size, f) != (size_t)size) { std::perror("read"); return 2; }
                std::fclose(f);
                memory[file] = std::move(bytes);
            }
        }
    }
    gridDim = {blocks, 1, 1};
    blockDim = {threads, 1, 1};
    for (unsigned b = 0; b < blocks; b++) {
        std::barrier<> barrier(threads);
        emulated_barrier = &barrier;
        std::vector<std::thread> team;
        for (unsigned t = 0; t < threads; t++) {
            team.emplace_back([&, b, t] {
                blockIdx = {b, 0, 0};
                threadIdx = {t, 0, 0};
                kernel->second();
            });
        }
        for (auto& th : team) th.join();
    }
    for (auto& [file, bytes] : memory) {
        FILE* f = std::fopen(file.c_str(), "wb");
        if (!f || std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) { std::perror(file.c_str()); return 2; }
        std::fclose(f);
    }
    return 0;
}
