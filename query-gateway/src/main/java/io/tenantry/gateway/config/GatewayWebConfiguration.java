package io.tenantry.gateway.config;

import org.springframework.context.annotation.Configuration;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.web.reactive.config.WebFluxConfigurer;

/**
 * Bounds what the gateway buffers of a request body ({@code tenantry.gateway.max-body-bytes}): a larger form body
 * fails the read, which the endpoint answers 413 ({@code request body too large}).
 */
@Configuration(proxyBeanMethods = false)
public class GatewayWebConfiguration implements WebFluxConfigurer {
    private final GatewayProperties props;

    public GatewayWebConfiguration(GatewayProperties props) {
        this.props = props;
    }

    @Override
    public void configureHttpMessageCodecs(ServerCodecConfigurer configurer) {
        configurer.defaultCodecs().maxInMemorySize(props.maxBodyBytes());
    }
}
