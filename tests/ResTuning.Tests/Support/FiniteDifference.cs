using static TorchSharp.torch;

namespace ResTuning.Tests.Support;

/// <summary>Compares autograd gradients with central finite differences (float64).</summary>
internal static class FiniteDifference
{
    /// <summary>
    /// For every trainable parameter of <paramref name="module"/>, checks up to
    /// <paramref name="perTensor"/> elements of d loss / d p against (f(p+h) - f(p-h)) / 2h.
    /// Returns the number of elements checked.
    /// </summary>
    public static int Check(nn.Module module, Func<Tensor> loss, int perTensor = 6, double h = 1e-6, double tol = 1e-6)
    {
        foreach (var p in module.parameters()) p.grad?.zero_();
        var l = loss();
        l.backward();
        var checkedCount = 0;
        foreach (var (name, p) in module.named_parameters())
        {
            if (!p.requires_grad) continue;
            Assert.True(p.dtype == ScalarType.Float64, $"{name} must be float64 for a finite-difference check");
            var grad = p.grad ?? zeros_like(p);
            var flat = p.detach().view(-1);
            var gradFlat = grad.view(-1);
            var n = flat.numel();
            var step = Math.Max(1, n / perTensor);
            for (long i = 0; i < n && i / step < perTensor; i += step)
            {
                var original = flat[i].item<double>();
                double plus, minus;
                using (no_grad())
                {
                    flat[i].fill_(original + h);
                    plus = loss().item<double>();
                    flat[i].fill_(original - h);
                    minus = loss().item<double>();
                    flat[i].fill_(original);
                }
                var numeric = (plus - minus) / (2 * h);
                var analytic = gradFlat[i].item<double>();
                var allowed = tol + 1e-5 * Math.Abs(numeric);
                Assert.True(Math.Abs(numeric - analytic) <= allowed,
                    $"{name}[{i}]: autograd {analytic:G10} vs finite difference {numeric:G10}");
                checkedCount++;
            }
        }
        Assert.True(checkedCount > 0, "no trainable parameter was checked");
        return checkedCount;
    }
}
