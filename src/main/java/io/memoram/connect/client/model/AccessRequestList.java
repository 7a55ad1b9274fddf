package io.memoram.connect.client.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

@JsonIgnoreProperties(ignoreUnknown = true)
public record AccessRequestList(
        @JsonProperty("items") List<AccessRequest> items,
        @JsonProperty("total") Integer total) {
    public AccessRequestList {
        items = items == null ? List.of() : List.copyOf(items);
    }
}
