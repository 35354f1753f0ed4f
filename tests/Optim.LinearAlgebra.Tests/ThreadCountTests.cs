using System;
using Xunit;

namespace ScratchOptim.LinearAlgebra.Tests;

/// <summary>Runs alone: OpenBLAS's thread count is process-wide, and is not changed while another call runs.</summary>
[CollectionDefinition(nameof(ThreadCountTests), DisableParallelization = true)]
public class ThreadCountCollection;

[Collection(nameof(ThreadCountTests))]
public class ThreadCountTests
{
    [Fact]
    public void Thread_count_is_settable_and_validated()
    {
        int before = Blas.ThreadCount;
        try
        {
            Blas.ThreadCount = 1;
            Assert.Equal(1, Blas.ThreadCount);
            Blas.ThreadCount = 2;
            Assert.Equal(2, Blas.ThreadCount);
            Assert.Throws<ArgumentOutOfRangeException>(() => Blas.ThreadCount = 0);
        }
        finally
        {
            Blas.ThreadCount = before;
        }
    }
}
