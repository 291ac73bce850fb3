/** The page shown for bad input, refused actions, unknown ids, a store being down, and bugs. */
import { Layout } from "./layout.tsx";
import { useUi } from "./ui.ts";

/** Props of {@link ErrorPage}. */
export interface ErrorPageProps {
  status: number;
  title: string;
  message: string;
}

/** A framed error page that keeps the navigation, so staff can carry on elsewhere. */
export function ErrorPage(props: ErrorPageProps) {
  const { t } = useUi();
  return (
    <Layout title={props.title} active="">
      <div class="panel error-box">
        <div class="code">{props.status}</div>
        <h1>{props.title}</h1>
        <p class="muted" data-error-message="">{props.message}</p>
        <p>
          <a href="/">{t("common.back_overview")}</a>
        </p>
      </div>
    </Layout>
  );
}
