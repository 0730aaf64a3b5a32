package io.github.bisonbackfill.bison.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.bisonbackfill.bison.BisonJsonShapeException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code GET /api/replies} pages in the shapes a Laravel server may send. */
class BisonJsonRepliesPageTest {
    private final BisonJson json = new BisonJson(new Redactor(List.of()));
    private final ObjectMapper mapper = new ObjectMapper();

    private BisonJson.RepliesPage page(String body, int requested) throws Exception {
        JsonNode root = mapper.readTree(body);
        return json.repliesPage(root, requested);
    }

    @Test
    void aPageOtherThanTheOneAskedFor_isRefused_namingBoth() throws Exception {
        // A proxy that drops ?page= serves page 1 every time: the scan must not accept it as page 2.
        assertThatThrownBy(() -> page("{\"data\":[{\"id\":1,\"interested\":true}],"
                + "\"meta\":{\"current_page\":1,\"last_page\":3,\"total\":40}}", 2))
                .isInstanceOf(BisonJsonShapeException.class)
                .hasMessageContaining("page 2 was asked for but meta.current_page is 1");
        assertThat(page("{\"data\":[],\"meta\":{\"current_page\":\"2\",\"last_page\":3,\"total\":40}}", 2).lastPage())
                .isEqualTo(3);
    }

    @Test
    void dataAsAnObjectOfIndexToReply_andThePaginatorAtTheTopLevel_areRead() throws Exception {
        BisonJson.RepliesPage p = page("{\"data\":{\"0\":{\"id\":11,\"interested\":true},\"2\":{\"id\":12,\"interested\":false}},"
                + "\"current_page\":1,\"last_page\":1,\"total\":2}", 1);
        assertThat(p.interested()).extracting(r -> r.id()).containsExactly(11L);
        assertThat(p.replyIds()).containsExactly(11L, 12L);
        assertThat(p.total()).isEqualTo(2);
    }

    @Test
    void withoutPaginationAnywhere_isRefused() {
        assertThatThrownBy(() -> page("{\"data\":[]}", 1)).isInstanceOf(BisonJsonShapeException.class)
                .hasMessageContaining("meta");
    }
}
