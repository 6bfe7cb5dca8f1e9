//! The grid's hot loops compiled twice: for baseline x86-64 (SSE2) and for AVX2, picked when
//! the processor has it. The same operations in the same order either way — no fused
//! multiply-add is enabled — so the results are identical bit for bit; only the vector width
//! differs.

/// `fn name(args) -> ret = inner;` defines `name`, which runs `inner` (an `#[inline(always)]`
/// function, so that it is compiled into each caller) from an AVX2 build of it when the
/// processor has AVX2, and from the baseline build otherwise.
macro_rules! avx2_when_present {
    ($(#[$meta:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $(-> $ret:ty)? = $inner:path;) => {
        $(#[$meta])*
        $vis fn $name($($arg: $ty),*) $(-> $ret)? {
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx2") {
                #[target_feature(enable = "avx2")]
                fn wide($($arg: $ty),*) $(-> $ret)? {
                    $inner($($arg),*)
                }
                // SAFETY: the processor has AVX2, checked just above.
                return unsafe { wide($($arg),*) };
            }
            $inner($($arg),*)
        }
    };
}

pub(super) use avx2_when_present;
