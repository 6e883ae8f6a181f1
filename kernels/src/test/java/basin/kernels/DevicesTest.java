package basin.kernels;

import basin.kernels.cpu.CpuBackend;
import basin.kernels.cuda.CudaBackend;
import basin.kernels.cuda.CudaUnavailableException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DevicesTest {

    private static boolean cudaUsable() {
        try {
            CudaBackend.get();
            return true;
        } catch (CudaUnavailableException e) {
            return false;
        }
    }

    @Test
    void cpuIsAlwaysTheCpuBackend() {
        Devices.Selection s = Devices.select(Devices.Choice.CPU);
        assertSame(CpuBackend.get(), s.backend());
        assertTrue(s.reason().startsWith("cpu"), s.reason());
    }

    @Test
    void autoFallsBackToTheCpuAndSaysWhyWhenCudaCannotBeUsed() {
        assumeFalse(cudaUsable(), "this machine has a usable CUDA device: the fallback cannot be observed");
        Devices.Selection s = Devices.select(Devices.Choice.AUTO);
        assertSame(CpuBackend.get(), s.backend());
        assertTrue(s.reason().startsWith("cpu (auto: CUDA cannot be used: "), s.reason());
        assertTrue(s.reason().length() > "cpu (auto: CUDA cannot be used: )".length() + 10, "the reason is spelled out: " + s.reason());
    }

    @Test
    void cudaFailsWithTheReasonWhenCudaCannotBeUsed() {
        assumeFalse(cudaUsable(), "this machine has a usable CUDA device");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Devices.select(Devices.Choice.CUDA));
        assertTrue(e.getMessage().startsWith("--device cuda: CUDA cannot be used: "), e.getMessage());
    }

    @Test
    void autoPicksCudaWhenADeviceAndItsLibrariesLoad() {
        assumeTrue(cudaUsable(), "no usable CUDA device here (GPU-only test)");
        Devices.Selection s = Devices.select(Devices.Choice.AUTO);
        assertSame(CudaBackend.get(), s.backend());
        assertTrue(s.reason().startsWith("cuda:0 (auto: "), s.reason());
    }

    @Test
    void choicesParseInAnyCaseAndUnknownOnesAreRejectedByName() {
        assertEquals(Devices.Choice.CUDA, Devices.Choice.parse("CUDA"));
        assertEquals(Devices.Choice.AUTO, Devices.Choice.parse(" auto"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Devices.Choice.parse("gpu"));
        assertTrue(e.getMessage().contains("'gpu'"), e.getMessage());
    }
}
