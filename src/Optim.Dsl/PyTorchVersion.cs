namespace ScratchOptim.Dsl
{
    /// <summary>
    /// The PyTorch release whose arithmetic an optimizer reproduces bit for bit. Built-in optimizers whose
    /// <c>torch.optim</c> arithmetic changed between releases have a <c>pytorch</c> hyperparameter of this type
    /// (default <see cref="V2"/>); the others compute the same bits in both.
    /// </summary>
    public enum PyTorchVersion
    {
        /// <summary>PyTorch 1.13 (2022), the last 1.x release.</summary>
        V1_13 = 0,

        /// <summary>PyTorch 2.x, checked against 2.14: the default.</summary>
        V2 = 1,
    }
}
