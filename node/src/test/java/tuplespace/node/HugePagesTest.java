package tuplespace.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Huge pages are asked for only where the kernel gives them on request, and never over the operator's own choice. */
class HugePagesTest {

    @Test
    void aKernelThatGivesThemOnRequestGetsTheOption() {
        assertThat(HugePages.options(List.of("-Xmx2g"), Optional.of("always [madvise] never\n")))
                .containsExactly("-XX:+UseTransparentHugePages");
    }

    @Test
    void aKernelThatAlwaysOrNeverGivesThemOrSaysNothingGetsNone() {
        assertThat(HugePages.options(List.of(), Optional.of("[always] madvise never\n"))).isEmpty();
        assertThat(HugePages.options(List.of(), Optional.of("always madvise [never]\n"))).isEmpty();
        assertThat(HugePages.options(List.of(), Optional.empty())).isEmpty();
    }

    @Test
    void theOperatorsChoiceAboutHugeOrLargePagesWins() {
        assertThat(HugePages.options(List.of("-XX:-UseTransparentHugePages"), Optional.of("always [madvise] never")))
                .isEmpty();
        assertThat(HugePages.options(List.of("-XX:+UseLargePages"), Optional.of("always [madvise] never"))).isEmpty();
    }
}
