import { useEffect, useMemo, useState } from "preact/hooks";
import type { AlertMessage } from "../../sdk/telemetry/protocol";
import { Layout } from "../shared/layout";
import { useI18n } from "../shared/i18n/language";
import {
  loadFountainHistory,
  probeToken,
  rememberedName,
  rememberName,
  rememberToken,
  takeInitialToken,
} from "./access";
import { AlertBanner } from "./alert-banner";
import { ConnectionBar } from "./connection-bar";
import { FountainTile } from "./fountain-tile";
import { useNow, useStoreVersion } from "./hooks";
import { chartWindowMs, LiveStore } from "./live-store";
import { StreamConnection, type ConnectionState } from "./stream-connection";
import { TokenForm } from "./token-form";
import "./live.css";

/** Loads each fountain's last 15 minutes over HTTP (first visit, or after an incomplete replay). */
async function fillCharts(store: LiveStore, token: string): Promise<void> {
  const to = store.serverNow(Date.now());
  await Promise.all(
    [...store.fountains.keys()].map(async (fountainId) => {
      try {
        const bySensor = await loadFountainHistory(location.href, token, fountainId, to - chartWindowMs, to);
        for (const [sensor, points] of bySensor) store.loadHistory(fountainId, sensor, points, Date.now());
      } catch {
        // Charts then start from now; live data keeps flowing.
      }
    }),
  );
}

function LiveStream({ token, name, onRefused }: { token: string; name: string; onRefused: () => void }) {
  const { t } = useI18n();
  const store = useMemo(() => new LiveStore(), [token]);
  const [connection, setConnection] = useState<ConnectionState>({ phase: "idle", attempt: 0 });
  const [stream, setStream] = useState<StreamConnection | null>(null);
  const version = useStoreVersion(store);
  const now = useNow(1000);

  useEffect(() => {
    let historyRequested = false;
    const created = new StreamConnection({
      baseUrl: location.href,
      token,
      store,
      probeAuth: () => probeToken(location.href, token),
      onState: (state) => {
        setConnection(state);
        if (state.phase === "refused") onRefused();
        if (state.phase === "live" && (!historyRequested || store.historyReloadNeeded)) {
          historyRequested = true;
          store.historyReloadNeeded = false;
          void fillCharts(store, token);
        }
      },
    });
    setStream(created);
    created.start();
    // Come back at once when the network returns instead of waiting for the backoff.
    const retry = () => created.retryNow();
    window.addEventListener("online", retry);
    return () => {
      window.removeEventListener("online", retry);
      created.stop();
    };
  }, [store, token, onRefused]);

  const online = connection.phase === "live";
  // Readings are live only if both hops are up: browser ↔ service and service ↔ fountain sensors.
  const dataFlowing = online && (store.source === undefined || store.source.state === "connected");
  const fountains = store.fountainList();
  const acknowledge = (alert: AlertMessage) => stream?.acknowledge(alert.alertId, name || undefined);
  return (
    <>
      <ConnectionBar connection={connection} source={store.source} now={now} onRetry={() => stream?.retryNow()} />
      {store.organisationId !== undefined ? (
        <p class="hint">
          {store.organisationId === null ? t("live.federation") : t("live.organisation", { id: store.organisationId })}
        </p>
      ) : null}
      <AlertBanner store={store} online={online} onAcknowledge={acknowledge} />
      <section aria-labelledby="fountains-title">
        <h2 id="fountains-title">{t("live.fountains")}</h2>
        {store.organisationId !== undefined && fountains.length === 0 ? <p>{t("live.empty")}</p> : null}
        <div class="tiles">
          {fountains.map((fountain) => (
            <FountainTile
              key={fountain.view.fountainId}
              store={store}
              fountain={fountain}
              now={now}
              version={version}
              streamLive={dataFlowing}
            />
          ))}
        </div>
      </section>
    </>
  );
}

/** The live view of a member's fountains: access code, then the stream. */
export function LivePage() {
  const { t } = useI18n();
  const [token, setToken] = useState<string | null>(() => takeInitialToken());
  const [name, setName] = useState(() => rememberedName());
  const [refused, setRefused] = useState(false);
  const onRefused = useMemo(
    () => () => {
      rememberToken(null);
      setRefused(true);
      setToken(null);
    },
    [],
  );
  return (
    <Layout page="live" title="live.title">
      {token ? (
        <>
          <LiveStream token={token} name={name} onRefused={onRefused} />
          <p>
            <button
              type="button"
              class="button button-secondary"
              onClick={() => {
                rememberToken(null);
                setToken(null);
              }}
            >
              {t("live.token.change")}
            </button>
          </p>
        </>
      ) : (
        <TokenForm
          initialName={name}
          error={refused ? t("live.connection.refused") : undefined}
          onSubmit={(nextToken, nextName) => {
            rememberToken(nextToken);
            rememberName(nextName);
            setName(nextName.trim());
            setRefused(false);
            setToken(nextToken);
          }}
        />
      )}
    </Layout>
  );
}
