package io.github.bisonbackfill.examples;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** README.md's quick start is exactly the compiled region of QuickStart.java, inside a ```java block. */
class QuickStartReadmeTest {
    static final Path README = Path.of("..", "README.md");
    static final Path SOURCE = Path.of("src/main/java/io/github/bisonbackfill/examples/QuickStart.java");

    /** The lines between the tags, with the common indentation removed. */
    static String region() throws IOException {
        List<String> lines = Files.readAllLines(SOURCE);
        int start = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("// tag::quickstart[]")) {
                start = i + 1;
            } else if (lines.get(i).strip().equals("// end::quickstart[]")) {
                end = i;
            }
        }
        assertThat(start).as("tag::quickstart[] in " + SOURCE).isPositive();
        assertThat(end).as("end::quickstart[] after the tag in " + SOURCE).isGreaterThan(start);
        List<String> region = new ArrayList<>(lines.subList(start, end));
        int indent = region.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        StringBuilder b = new StringBuilder();
        region.forEach(l -> b.append(l.isBlank() ? "" : l.substring(indent)).append('\n'));
        return b.toString();
    }

    @Test
    void readme_containsTheQuickStartRegion_inAJavaBlock() throws IOException {
        assertThat(Files.exists(README)).as("README.md not found at " + README.toAbsolutePath().normalize()
                + ": the quick start in README.md must be the region of " + SOURCE + " (run the tests from the examples module)").isTrue();
        String readme = Files.readString(README).replace("\r\n", "\n");
        String snippet = region();
        assertThat(readme).as("README.md must contain, inside a ```java block, exactly the lines between"
                + " tag::quickstart[] and end::quickstart[] of " + SOURCE + " (indentation removed):\n" + snippet)
                .contains("```java\n" + snippet + "```");
    }
}
